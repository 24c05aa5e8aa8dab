import { ConfigError } from '@modelgate/contracts';
import { createApiApp } from './app.factory.js';
import { loadApiConfig } from './config/api-config.js';

async function main() {
  const config = loadApiConfig();
  const app = await createApiApp(config);
  await app.listen({ port: config.MODELGATE_API_PORT, host: config.MODELGATE_API_HOST });
  console.log(`Modelgate API listening on http://${config.MODELGATE_API_HOST}:${config.MODELGATE_API_PORT}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

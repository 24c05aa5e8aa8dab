// Ports of the browser-test stack, apart from npm run dev's 4000/3000 so both can run at once.
export const E2E_API_PORT = Number(process.env.MODELGATE_E2E_API_PORT ?? 4100);
export const E2E_WEB_PORT = Number(process.env.MODELGATE_E2E_WEB_PORT ?? 3100);

// Signs in through the public API and turns the session into a personal token, the way the CLI's
// `modelgate login` does (the SDK's issuePersonalToken): for scripts that act as the admin (the
// demo seed, the test stacks). Needs the SDK built, as everything under scripts/ runs after a build.
import { issuePersonalToken as issueWithSdk } from '@modelgate/sdk/node';

/** Returns `{ secret, id, prefix }` of a new personal token of `email`. */
export async function issuePersonalToken(apiUrl, { email, password, name }) {
  const token = await issueWithSdk({ apiUrl, email, password, tokenName: name });
  return { secret: token.secret, id: token.id, prefix: token.prefix };
}

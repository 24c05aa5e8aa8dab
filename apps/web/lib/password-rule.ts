/** contracts' Password rule, checked in the browser so a short password is pointed at before sending. */

const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

export const PASSWORD_RULE = `At least ${MIN_PASSWORD_LENGTH} characters; a passphrase of a few words is easiest to remember.`;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return password === ''
      ? 'Enter a password'
      : `At least ${MIN_PASSWORD_LENGTH} characters (this one has ${password.length})`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/** The error a promise rejects with, typed for assertions; fails the test when it resolves. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the promise to reject');
}

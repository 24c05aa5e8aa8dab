import { expect, type Page } from '@playwright/test';
import { type E2eUser, USERS } from './e2e-users.js';

/** Signs in through the login form, as a person would, from wherever the page currently is. */
export async function signInThroughForm(page: Page, user: E2eUser): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(USERS[user].email);
  await form.getByLabel('Password').fill(USERS[user].password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('region', { name: 'Signed in' })).toContainText(USERS[user].email);
}

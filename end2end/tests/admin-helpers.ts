import type { Locator, Page, Response } from '@playwright/test';
import { expect, pathOf, waitForReady } from './fixtures';

// Steps for the admin pages (admin.spec.ts). Their forms are plain HTML
// forms that the browser submits itself, with or without JavaScript: the
// server answers with a redirect (`?done=<intent>`) or with the page again
// (a refusal, or a secret shown once), so every submit is a page load.

/** A form of the page by its aria-label, e.g. "Add an origin". */
export function form(page: Page, label: string): Locator {
  return page.locator(`form[aria-label="${label}"]`);
}

/**
 * Clicks the submit button `button` of `form` and waits until the page the
 * server answered with has loaded (and hydrated). Returns that page's
 * response: the one after the redirect, if the server redirected.
 */
export async function submitForm(page: Page, form: Locator, button: string): Promise<Response> {
  const answered = page.waitForResponse((response) => {
    const request = response.request();
    const redirect = response.status() >= 300 && response.status() < 400;
    return request.isNavigationRequest() && request.frame() === page.mainFrame() && !redirect;
  });
  const loaded = page.waitForEvent('load');
  await form.getByRole('button', { name: button, exact: true }).click();
  const response = await answered;
  await loaded;
  await waitForReady(page);
  return response;
}

/** Expects the page to be `path?done=<intent>`, the redirect after a done action. */
export function expectDone(page: Page, path: string, intent: string): void {
  const url = new URL(page.url());
  expect([url.pathname, url.search], `${intent} redirected back to ${path}`).toEqual([path, `?done=${intent}`]);
}

/** Signs out with the header's button and waits for the login page. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('form[action="/logout"]').getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect.poll(() => pathOf(page)).toBe('/login');
  await waitForReady(page);
}

/** One row of the audit log table, as its cells read. */
export interface AuditRecord {
  who: string;
  action: string;
  app: string;
  details: string;
}

/** The rows of the audit log table on the page, newest first. */
export async function auditRecords(page: Page): Promise<AuditRecord[]> {
  return page.locator('table.audit tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const [, who, action, app, , details] = Array.from(row.querySelectorAll('td'), (td) =>
        (td.textContent ?? '').trim(),
      );
      return { who, action, app, details };
    }),
  );
}

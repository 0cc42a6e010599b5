/**
 * Debian's `chromium`, headless, driven by playwright-core (which downloads no browser): for the viewer's browser
 * test and its benchmark. A fresh profile per launch, no background networking, nothing from a previous run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** Where the browser is (`MELLEA_CHROMIUM` overrides; `.ci/run` installs Debian's package there). */
export const CHROMIUM_PATH = process.env['MELLEA_CHROMIUM'] ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox', // runs as root in CI containers
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser with a fresh user-data-dir; `close()` also removes the profile. */
export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'mellea-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport,
  });
  const close = context.close.bind(context);
  context.close = async (options) => {
    await close(options);
    rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';
import { DrbotError } from '../../src/errors/drbot-error.js';
import { buildTeamsPackage } from './teams-app-package.js';
import { colorIcon, encodePng, outlineIcon } from './teams-app-icons.js';

/**
 * `npm run package:teams [-- out.zip]`: zips manifest/teams for upload to Teams, with
 * MicrosoftAppId (and TEAMS_APP_ID, DRBOT_PUBLIC_HOST) filled in. `--icons` redraws the icons.
 */
function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const dir = join(packageRoot(), 'manifest/teams');
  if (argv.includes('--icons')) {
    writeFileSync(join(dir, 'color.png'), encodePng(colorIcon()));
    writeFileSync(join(dir, 'outline.png'), encodePng(outlineIcon()));
    process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
    return 0;
  }
  if (!env.MicrosoftAppId) {
    process.stderr.write('MicrosoftAppId is not set: set it to the Application (client) ID of your Azure Bot, then run npm run package:teams again.\n');
    return 2;
  }
  const out = resolve(argv.find((a) => !a.startsWith('--')) ?? join(packageRoot(), 'dist/drbot-teams.zip'));
  try {
    const { zip } = buildTeamsPackage({ dir, botId: env.MicrosoftAppId.trim(), appId: env.TEAMS_APP_ID?.trim() || undefined, domain: env.DRBOT_PUBLIC_HOST?.trim() || undefined });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, zip);
    process.stdout.write(`wrote ${out}: upload it in Teams → Apps → Manage your apps → Upload an app\n`);
    return 0;
  } catch (err) {
    process.stderr.write(err instanceof DrbotError ? `${err.message}${err.hint ? `\n${err.hint}` : ""}\n` : `${String(err)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2), process.env);

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { zipSync } from 'fflate';
import { ConfigError } from '../../src/errors/drbot-error.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object on some resolutions.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What goes into the uploadable Teams app package. */
export interface TeamsPackageOptions {
  /** `manifest/teams/`: manifest.json, the icons and the schema copy. */
  dir: string;
  /** The bot's Microsoft App ID (`MicrosoftAppId`); the manifest's botId. */
  botId: string;
  /** The Teams app id (`TEAMS_APP_ID`); defaults to the bot id, as Teams allows. */
  appId?: string;
  /** drbot's public host name (`DRBOT_PUBLIC_HOST`), listed in validDomains. */
  domain?: string;
}

/** Problems with a manifest against the schema copy, as `path: message` lines (empty = valid). */
export function manifestProblems(manifest: unknown, schema: object): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})` : ''}`);
}

/** Width and height of a PNG, read from its IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG file');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * Builds the Teams app package: manifest.json with this deployment's ids, checked against the
 * schema copy, plus the two icons checked for their sizes, zipped flat as Teams wants.
 */
export function buildTeamsPackage(options: TeamsPackageOptions): { manifest: Record<string, unknown>; zip: Uint8Array } {
  const appId = options.appId ?? options.botId;
  if (!GUID.test(options.botId)) throw new ConfigError(`MicrosoftAppId must be the bot's GUID, got "${options.botId}"`, 'set MicrosoftAppId to the Application (client) ID of the Azure Bot');
  if (!GUID.test(appId)) throw new ConfigError(`TEAMS_APP_ID must be a GUID, got "${appId}"`);
  const read = (name: string) => readFileSync(join(options.dir, name));
  const manifest = JSON.parse(read('manifest.json').toString('utf8')) as Record<string, unknown> & { bots: { botId: string }[]; icons: { color: string; outline: string } };
  manifest.id = appId;
  for (const bot of manifest.bots) bot.botId = options.botId;
  if (options.domain) manifest.validDomains = [options.domain];
  const schema = JSON.parse(read('MicrosoftTeams.schema.json').toString('utf8')) as object;
  const problems = manifestProblems(manifest, schema);
  if (problems.length) throw new ConfigError(`manifest/teams/manifest.json does not match the Teams manifest schema:\n${problems.join('\n')}`, 'fix the named fields');
  const color = read(manifest.icons.color);
  const outline = read(manifest.icons.outline);
  const sizes = { color: pngSize(color), outline: pngSize(outline) };
  if (sizes.color.width !== 192 || sizes.color.height !== 192) throw new ConfigError(`the colour icon must be 192×192, it is ${sizes.color.width}×${sizes.color.height}`);
  if (sizes.outline.width !== 32 || sizes.outline.height !== 32) throw new ConfigError(`the outline icon must be 32×32, it is ${sizes.outline.width}×${sizes.outline.height}`);
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
    [manifest.icons.color]: color,
    [manifest.icons.outline]: outline,
  });
  return { manifest, zip };
}

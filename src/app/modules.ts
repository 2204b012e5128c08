import { teamsConfigured } from '../../adapters/teams/teams-settings.js';
import type { DrbotConfig } from '../config/load-config.js';
import { IncidentReactions } from '../incident/incident-reactions.js';
import type { DrbotModule } from './drbot-module.js';

/** True when Slack or Teams credentials are configured (then drbot serves instead of reading the console). */
export function hasPlatformCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SLACK_BOT_TOKEN || env.MicrosoftAppId || env.DRBOT_TEAMS_INSECURE === '1');
}

/** The modules drbot runs for this configuration; `startOrder` orders them by what each declares it needs. */
export async function modulesFor(config: DrbotConfig, options: { console: boolean }): Promise<DrbotModule[]> {
  const modules: DrbotModule[] = [new IncidentReactions()];
  // Loaded only when configured: botbuilder is heavy and the console should start fast.
  if (teamsConfigured(config.env)) {
    const { TeamsModule } = await import('../../adapters/teams/teams-module.js');
    modules.push(new TeamsModule());
  }
  // Loaded only when configured, like Teams: Bolt stays out of the console's start.
  if (config.env.SLACK_BOT_TOKEN?.trim()) {
    const { SlackModule } = await import('../../adapters/slack/slack-module.js');
    modules.push(new SlackModule());
  }
  const { AgentLinkModule } = await import('../agentlink/agent-link-module.js');
  modules.push(new AgentLinkModule({ embeddedConfigPath: options.console && config.embeddedAgent.enabled ? config.embeddedAgentConfigPath : undefined }));
  const { MetricsModule } = await import('../metrics/metrics-module.js');
  modules.push(new MetricsModule());
  const { SchedulerModule } = await import('../scheduler/scheduler-module.js');
  modules.push(new SchedulerModule());
  if (config.heartbeat.url) {
    const { HeartbeatModule } = await import('../http/heartbeat-module.js');
    modules.push(new HeartbeatModule());
  }
  // Off unless configured: nothing is served under /web by default.
  if (config.web.enabled) {
    const { WebModule } = await import('../web/web-module.js');
    modules.push(new WebModule());
  }
  return modules;
}

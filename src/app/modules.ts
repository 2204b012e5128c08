import { teamsConfigured } from '../../adapters/teams/teams-settings.js';
import type { DrbotConfig } from '../config/load-config.js';
import { ReportModule } from '../report/report-module.js';
import type { DrbotModule } from './drbot-module.js';

/** True when Slack or Teams credentials are configured (then drbot serves instead of reading the console). */
export function hasPlatformCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SLACK_BOT_TOKEN || env.MicrosoftAppId || env.DRBOT_TEAMS_INSECURE === '1');
}

/** The modules drbot runs for this configuration, in start order. */
export async function modulesFor(config: DrbotConfig, options: { console: boolean }): Promise<DrbotModule[]> {
  const modules: DrbotModule[] = [];
  // First, so an incident resolved while the rest starts still gets its report.
  modules.push(new ReportModule());
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
  // The agent link (and, in console mode, the embedded demo agent) before the scheduler.
  const { AgentLinkModule } = await import('../agentlink/agent-link-module.js');
  modules.push(new AgentLinkModule({ embeddedConfigPath: options.console && config.embeddedAgent.enabled ? config.embeddedAgentConfigPath : undefined }));
  // After the agent link (it needs the hub itself), before the scheduler (it reports timer lateness).
  const { MetricsModule } = await import('../metrics/metrics-module.js');
  modules.push(new MetricsModule());
  // Last, so platform page senders are registered before overdue timers fire on start.
  const { SchedulerModule } = await import('../scheduler/scheduler-module.js');
  modules.push(new SchedulerModule());
  return modules;
}

import type { AgentAction } from '../agent-action.js';
import { planAction } from './plan-action.js';
import { containerLogs, containers, composeDown, composeServiceRestart, composeUpBuild, removeAllContainers, volumeInspect } from './container-actions.js';
import { backupAge, diskUsage, envPresent, fileChecksum, fileStat, listDir, logSizes, logTail } from './file-actions.js';
import { gitCheckout, retrainModel, setReadOnlyMode } from './host-change-actions.js';
import { logSnapshot } from './log-snapshot.js';
import { firewallAllow, firewallRules, httpHealth, ipRoutes, networkShare, ping, portListening } from './network-actions.js';
import { killPortOwner, portsInUse, processRestart, processRunning } from './process-actions.js';
import { restoreDir, restoreFile } from './restore-actions.js';
import { drillFault, drillUndo } from './drill-actions.js';
import { backupRestoreTest } from './backup-restore-test.js';
import { fileIntegrity, versionDirVerify } from './integrity-actions.js';

/** Every action the agent implements, by catalog name. */
export const AGENT_ACTIONS: ReadonlyMap<string, AgentAction> = new Map(
  [
    processRunning, logTail, portListening, httpHealth, fileStat, fileChecksum, listDir, envPresent, networkShare, ping, ipRoutes,
    firewallRules, containers, containerLogs, volumeInspect, portsInUse, diskUsage, logSizes, backupAge, logSnapshot,
    composeServiceRestart, processRestart, restoreFile, restoreDir, setReadOnlyMode, gitCheckout, composeUpBuild, composeDown,
    removeAllContainers, killPortOwner, firewallAllow, retrainModel, drillFault, drillUndo, backupRestoreTest, planAction,
    fileIntegrity, versionDirVerify,
  ].map((a) => [a.name, a]),
);

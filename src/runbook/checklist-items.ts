import type { ChecklistItem, RunbookPack } from './pack-schema.js';

/** The three incident checklists of a pack, in the order they are worked through. */
export type ChecklistName = 'immediate' | 'during' | 'after';

/** A checklist item with the list it belongs to. */
export interface ListedChecklistItem {
  readonly list: ChecklistName;
  readonly item: ChecklistItem;
}

/** Every incident checklist item of a pack: immediate, then during, then after recovery. */
export function allChecklistItems(pack: RunbookPack): ListedChecklistItem[] {
  const lists: readonly ChecklistName[] = ['immediate', 'during', 'after'];
  return lists.flatMap((list) => pack.checklists[list].map((item) => ({ list, item })));
}

import { useCallback, useState } from 'react';
import type { ChildPlanning } from '../../shared/api/contract.js';
import { InscriptionsSection } from './InscriptionsSection.js';
import { PlanningGrid } from './PlanningGrid.js';

/** The child file's 'Planning' tab: inscriptions, then the grid they fill. */
export function ChildPlanningPanel({ childId, familyId, canEdit }: { childId: number; familyId: number; canEdit: boolean }) {
  const [version, setVersion] = useState(0);
  // The planning says whether this user runs the planning (agents, admins) or only reads it (régie).
  const [runsPlanning, setRunsPlanning] = useState(false);
  const onActions = useCallback((actions: ChildPlanning['actions']) => setRunsPlanning(actions.edit), []);
  return (
    <div className="sections">
      <InscriptionsSection
        childId={childId}
        familyId={familyId}
        canEdit={canEdit && runsPlanning}
        onChanged={() => setVersion((v) => v + 1)}
      />
      <PlanningGrid childId={childId} familyId={familyId} version={version} onActions={onActions} />
    </div>
  );
}

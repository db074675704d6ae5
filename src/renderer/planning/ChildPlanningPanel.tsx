import { useState } from 'react';
import { InscriptionsSection } from './InscriptionsSection.js';
import { PlanningGrid } from './PlanningGrid.js';

/** The child file's 'Planning' tab: inscriptions, then the grid they fill. */
export function ChildPlanningPanel({ childId, familyId, canEdit }: { childId: number; familyId: number; canEdit: boolean }) {
  const [version, setVersion] = useState(0);
  return (
    <div className="sections">
      <InscriptionsSection childId={childId} familyId={familyId} canEdit={canEdit} onChanged={() => setVersion((v) => v + 1)} />
      <PlanningGrid childId={childId} familyId={familyId} version={version} />
    </div>
  );
}

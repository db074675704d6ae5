import { useEffect, useId, useState } from 'react';
import type { School } from '../../shared/api/contract.js';
import { CLASSES } from '../../shared/children/input.js';
import { api } from '../api/bridge.js';
import { PrintButton } from './PrintButton.js';

/**
 * « Fiches d'une classe »: the sheets of every child of a school's class as one PDF (print.childSheets, scope class),
 * for the teacher or the animator taking a class out. A disclosure in the children page's header: choose the school
 * and the class, then print.
 */
export function ClassSheetsPicker() {
  const [schools, setSchools] = useState<School[]>([]);
  const [schoolId, setSchoolId] = useState('');
  const [classe, setClasse] = useState('');
  const id = useId();
  useEffect(() => {
    void api.call('schools.list', {}).then((result) => {
      if (result.ok) setSchools(result.value);
    });
  }, []);
  const school = schools.find((one) => String(one.id) === schoolId);
  return (
    <details className="class-sheets">
      <summary className="button">Fiches d’une classe</summary>
      <div className="class-sheets-form">
        <div className="field">
          <label htmlFor={`${id}-school`}>École</label>
          <select id={`${id}-school`} value={schoolId} onChange={(event) => setSchoolId(event.target.value)}>
            <option value="">Choisir…</option>
            {schools.map((one) => (
              <option key={one.id} value={one.id}>
                {one.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-class`}>Classe</label>
          <select id={`${id}-class`} value={classe} onChange={(event) => setClasse(event.target.value)}>
            <option value="">Choisir…</option>
            {CLASSES.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </div>
        {school && classe ? (
          <PrintButton scope={{ kind: 'class', schoolId: school.id, classe }} label={`Imprimer les fiches des ${classe} — ${school.name}`} />
        ) : (
          <p className="field-hint">Choisissez l’école et la classe.</p>
        )}
      </div>
    </details>
  );
}

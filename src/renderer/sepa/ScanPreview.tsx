import type { RibField, ScanReading } from '../../shared/api/sepa.js';
import { ACCOUNT_FIELDS, FIELD_LABELS } from './account-form.js';

/**
 * The scan beside the form: each page as the office rendered it, with a box around every place a value was read
 * (fractions of the page, ScanBox). The field the agent is on (`active`, hovered or focused) has its boxes
 * highlighted, so each value can be checked against the paper; hovering a box highlights its field the other way.
 */
export function ScanPreview({ reading, active, onHover }: { reading: ScanReading; active: RibField | null; onHover(field: RibField | null): void }) {
  return (
    <div className="scan-pages" aria-label="RIB numérisé">
      {reading.pages.map((page, index) => (
        <figure key={index} className="scan-page">
          <div className="scan-page-frame">
            <img src={`data:image/png;base64,${page.imageBase64}`} width={page.width} height={page.height} alt={`Page ${index + 1} du RIB numérisé`} />
            {ACCOUNT_FIELDS.flatMap((field) =>
              (reading.fields[field]?.boxes ?? [])
                .filter((box) => box.page === index)
                .map((box, boxIndex) => (
                  <span
                    key={`${field}-${boxIndex}`}
                    className={`scan-box${active === field ? ' scan-box-active' : ''}`}
                    data-field={field}
                    title={`${FIELD_LABELS[field]} lu ici`}
                    style={{ left: `${box.x * 100}%`, top: `${box.y * 100}%`, width: `${box.width * 100}%`, height: `${box.height * 100}%` }}
                    onMouseEnter={() => onHover(field)}
                    onMouseLeave={() => onHover(null)}
                  />
                )),
            )}
          </div>
          {reading.pages.length > 1 ? <figcaption>Page {index + 1}</figcaption> : null}
        </figure>
      ))}
    </div>
  );
}

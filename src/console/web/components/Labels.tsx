/** Free-form labels, as the API lists them. */
export function Labels({ labels }: { labels: readonly string[] }) {
  if (labels.length === 0) return null;
  return (
    <ul className="labels" aria-label="Labels">
      {labels.map((label) => (
        <li key={label} className="label">
          {label}
        </li>
      ))}
    </ul>
  );
}

import { useId, useRef, type ChangeEvent } from 'react';

/** A compile error of a policy's body, at its line when OPA said which. */
export interface CompileError {
  line: number | null;
  column: number | null;
  message: string;
}

// The compiler reports each error as `line 3, column 5: <message>`, one a line
// (describe() in src/policy/compiler.ts).
const LOCATED = /^line (\d+)(?:, column (\d+))?: (.*)$/;

/** The errors in a refusal of policyCreate or policyUpdate, each at its line when it has one. */
export function compileErrors(message: string): CompileError[] {
  return message
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const located = LOCATED.exec(line);
      return located
        ? {
            line: Number(located[1]),
            column: located[2] ? Number(located[2]) : null,
            message: located[3] ?? '',
          }
        : { line: null, column: null, message: line };
    });
}

/**
 * Rego in a textarea beside its line numbers; lines with compile errors are marked in the
 * gutter and listed under it, each error a button that puts the cursor on its line.
 */
export function PolicyEditor({
  value,
  onChange,
  errors,
  label,
}: {
  value: string;
  onChange: (value: string) => void;
  errors: readonly CompileError[];
  label: string;
}) {
  const ids = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = value.split('\n').length;
  const errorLines = new Set(errors.flatMap((error) => (error.line ? [error.line] : [])));

  const goTo = (line: number, column: number | null) => {
    const element = textarea.current;
    if (!element) return;
    const lines = value.split('\n');
    const start =
      lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) +
      Math.max(0, (column ?? 1) - 1);
    const end = Math.max(
      start,
      lines.slice(0, line).reduce((sum, text) => sum + text.length + 1, 0) - 1,
    );
    element.focus();
    element.setSelectionRange(start, end);
  };

  return (
    <div className="field">
      <label htmlFor={`${ids}-body`}>{label}</label>
      <div className="editor" data-invalid={errors.length > 0}>
        <div className="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, index) => (
            <span key={index} className={errorLines.has(index + 1) ? 'gutter-error' : undefined}>
              {index + 1}
            </span>
          ))}
        </div>
        <textarea
          id={`${ids}-body`}
          ref={textarea}
          className="editor-text"
          value={value}
          wrap="off"
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          rows={Math.min(Math.max(lineCount + 1, 12), 40)}
          aria-invalid={errors.length > 0}
          aria-describedby={errors.length > 0 ? `${ids}-errors` : undefined}
          onChange={(event: ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      {errors.length > 0 && (
        <div className="notice notice-error" role="alert" id={`${ids}-errors`}>
          <p className="notice-title">The policy does not compile; fix these and save again:</p>
          <ul className="compile-errors">
            {errors.map((error, index) => (
              <li key={index}>
                {error.line !== null ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => goTo(error.line ?? 1, error.column)}
                  >
                    Line {error.line}
                    {error.column !== null ? `, column ${error.column}` : ''}
                  </button>
                ) : null}
                {error.line !== null ? ': ' : ''}
                {error.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

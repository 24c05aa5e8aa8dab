import { CodeBlock } from './code-block';

/** A copyable predict `curl` with the notes the example builder left (e.g. an input too large to spell out). */
export function CurlExample({ title, curl, notes }: { title: string; curl: string; notes: string[] }) {
  return (
    <>
      <CodeBlock title={title} code={curl} copyLabel="Copy curl command" />
      {notes.length > 0 ? (
        <ul className="mt-3 list-disc pl-5 text-sm text-zinc-600">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

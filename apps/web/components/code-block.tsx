import { CopyButton } from './copy-button';

interface CodeBlockProps {
  /** Shown above the code and used to name the copy button ("Copy curl command"). */
  title: string;
  code: string;
  copyLabel: string;
}

export function CodeBlock({ title, code, copyLabel }: CodeBlockProps) {
  return (
    <div className="overflow-hidden rounded-xl border border-zinc-800 bg-zinc-950 shadow-xs">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-4 py-2">
        <span className="text-xs font-medium text-zinc-400">{title}</span>
        <CopyButton text={code} label={copyLabel} />
      </div>
      <pre className="max-h-96 overflow-auto p-4 font-mono text-[13px] leading-relaxed whitespace-pre-wrap break-all text-zinc-100">
        <code>{code}</code>
      </pre>
    </div>
  );
}

/**
 * Button looks shared by <button>, <a> and <Link>, so an action reads the same whichever element
 * it needs to be.
 */
export type ButtonVariant = 'primary' | 'secondary' | 'danger';

const base =
  'inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap shadow-xs transition-colors disabled:cursor-not-allowed disabled:opacity-60';

const variants: Record<ButtonVariant, string> = {
  primary: 'bg-indigo-600 text-white hover:bg-indigo-700 active:bg-indigo-800',
  secondary: 'border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 active:bg-zinc-100',
  danger: 'bg-red-700 text-white hover:bg-red-800 active:bg-red-900',
};

export function buttonClasses(variant: ButtonVariant = 'secondary', extra = ''): string {
  return `${base} ${variants[variant]} ${extra}`.trim();
}

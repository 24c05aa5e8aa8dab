import Link from 'next/link';

/** For addresses outside every route; missing models and endpoints use the dashboard's own page. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-4 p-8">
      <p className="text-sm font-medium text-indigo-600">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-zinc-600">There is no Modelgate page at this address.</p>
      <p>
        <Link href="/" className="font-medium text-indigo-600 hover:underline">
          Go to the Modelgate dashboard
        </Link>
      </p>
    </main>
  );
}

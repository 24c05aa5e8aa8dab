import { PageHeader } from '@/components/page-header';

/** Shown inside the dashboard when a page calls notFound(): the API has no such model or endpoint. */
export default function DashboardNotFound() {
  return (
    <>
      <PageHeader eyebrow="404" title="Not found" />
      <p className="text-zinc-600">
        The Modelgate API has no model, version or endpoint with that name. Pick one from the navigation.
      </p>
    </>
  );
}

import type { Signature } from '@modelgate/contracts';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { formatShape } from '@/lib/shape';

export function SignatureTables({ signature }: { signature: Signature }) {
  return (
    <div className="grid gap-6">
      <div>
        <h3 className="mb-2 text-sm font-semibold text-zinc-700">Inputs</h3>
        <Table caption="Inputs">
          <TableHead>
            <Th>Name</Th>
            <Th>Dtype</Th>
            <Th>Shape</Th>
          </TableHead>
          <TableBody>
            {signature.inputs.map((input) => (
              <tr key={input.name}>
                <Td className="font-mono text-[13px] font-medium">{input.name}</Td>
                <Td className="font-mono text-[13px]">{input.dtype}</Td>
                <Td className="font-mono text-[13px]">{formatShape(input.shape)}</Td>
              </tr>
            ))}
          </TableBody>
        </Table>
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-zinc-700">Outputs</h3>
        <Table caption="Outputs">
          <TableHead>
            <Th>Name</Th>
            <Th>Dtype</Th>
            <Th>Shape</Th>
            <Th>Note</Th>
          </TableHead>
          <TableBody>
            {signature.outputs.map((output) =>
              output.isTensor ? (
                <tr key={output.name}>
                  <Td className="font-mono text-[13px] font-medium">{output.name}</Td>
                  <Td className="font-mono text-[13px]">{output.dtype}</Td>
                  <Td className="font-mono text-[13px]">{formatShape(output.shape)}</Td>
                  <Td className="text-zinc-400">—</Td>
                </tr>
              ) : (
                <tr key={output.name} className="bg-zinc-50/60">
                  <Td className="font-mono text-[13px] font-medium">{output.name}</Td>
                  <Td className="font-mono text-[13px]">{output.type}</Td>
                  <Td className="text-zinc-400">—</Td>
                  <Td className="text-zinc-600">Not a tensor: predictions never include it.</Td>
                </tr>
              ),
            )}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}

/**
 * The one instruction at an address, as stepping needs it: its length,
 * and whether it is a call (stepped over with a breakpoint on the return
 * address) or a return (leaves the frame).
 */
import { Decoder, DecoderOptions, FlowControl } from 'iced-x86';

export interface InstructionShape {
  length: number;
  isCall: boolean;
  isReturn: boolean;
}

/** `bytes`: up to 15 bytes of code at `address`, as the program has them. */
export function decodeOne(bytes: Buffer, address: bigint): InstructionShape | undefined {
  if (!bytes.length) return undefined;
  const decoder = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  decoder.ip = address;
  try {
    const insn = decoder.decode();
    const flow = insn.flowControl;
    const shape = { length: insn.length, isCall: flow === FlowControl.Call || flow === FlowControl.IndirectCall, isReturn: flow === FlowControl.Return };
    insn.free();
    return shape.length ? shape : undefined;
  } finally {
    decoder.free();
  }
}

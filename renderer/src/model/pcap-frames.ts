/**
 * How many frames a classic pcap file holds (the file the capture saves), counted from its record
 * headers: the number the "Save pcap" button and Wireshark agree on.
 */
export function pcapFrames(base64: string): number {
  const bin = atob(base64);
  if (bin.length < 24) return 0;
  const u32 = (at: number, little: boolean) => {
    const b = [0, 1, 2, 3].map((i) => bin.charCodeAt(at + i));
    return (
      (little ? b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24) : (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>>
      0
    );
  };
  // The magic number says the byte order (microsecond or nanosecond files alike).
  const magic = u32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  let n = 0;
  for (let at = 24; at + 16 <= bin.length; n++) at += 16 + u32(at + 8, little);
  return n;
}

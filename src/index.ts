/** Library entry: the typed TRTC client, the emulator and the room inventory store, for scripts and tests. */
export { TrtcClient, type TrtcClientOptions, type TrtcCredential } from "./trtc/client.js";
export { parseEndpoint } from "./trtc/endpoint.js";
export { TrtcError } from "./trtc/errors.js";
export { Emulator, startEmulator, DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, type EmulatorOptions } from "./emulator/server.js";
export { openStore } from "./store/open.js";
export type { InventoryStore, Room, RoomFilters } from "./store/types.js";

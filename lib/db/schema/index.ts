export * from "./alerts";
export * from "./apps";
export * from "./audit";
export * from "./auth";
export * from "./cache";
export * from "./checks";
export * from "./jobs";
export * from "./logs";

// Empty ES module: the cold-start figure imports it to measure the floor of Node's ESM loader.
export {};

// A Storage for amazon-cognito-identity-js that lives only as long as one test, so cached users and tokens never
// leak from one test into the next (the library's own MemoryStorage is shared by the whole process).
export class TestStorage {
  constructor() {
    this.items = new Map();
  }
  setItem(k, v) {
    this.items.set(k, String(v));
  }
  getItem(k) {
    return this.items.has(k) ? this.items.get(k) : null;
  }
  removeItem(k) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

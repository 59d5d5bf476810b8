// A tool's config file Switchyard will not edit (invalid, or shaped so an edit could lose something): the user is
// told which file and why, and nothing is written.

export class ConnectFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ConnectFileError';
  }
}

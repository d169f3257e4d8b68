namespace Sesame.Storage;

/// <summary>
/// The database cannot be reached (refused, reset, timed out, shutting down): an outage, not a bug. The protocol layer
/// answers it with Cognito's <c>InternalErrorException</c> at once, and the next request tries the database again.
/// </summary>
internal sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);

namespace AkkaTcp.Client;

/// <summary>The file server refused or failed a transfer ("ERR ..."), or what arrived did not match its size or sha256.</summary>
public sealed class FileTransferException(string message) : Exception(message);

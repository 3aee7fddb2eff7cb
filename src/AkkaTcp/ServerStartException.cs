namespace AkkaTcp;

/// <summary>A server could not start; the message is one line naming the server, endpoint and cause.</summary>
public sealed class ServerStartException(string message) : Exception(message);

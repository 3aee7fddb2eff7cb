namespace AkkaTcp.Client;

/// <summary>The server answered a command with a RESP error reply ("-ERR ...").</summary>
public sealed class RespErrorException(string message) : Exception(message);

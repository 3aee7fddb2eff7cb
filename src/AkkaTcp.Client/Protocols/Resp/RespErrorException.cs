namespace AkkaTcp.Client.Protocols.Resp;

/// <summary>The server answered a command with a RESP error reply ("-ERR ...").</summary>
public sealed class RespErrorException(string message) : Exception(message);

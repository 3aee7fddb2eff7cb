using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>
/// What a protocol is given when a server creates it at start-up: the server's name, the server
/// settings it may need (frame-size limit, heartbeat), already validated, and its configuration
/// block, from which the protocol reads (and so validates) its own keys.
/// </summary>
public sealed record ProtocolContext(string ServerName, int MaxFrameSize, HeartbeatSettings Heartbeat, ConfigReader Config);

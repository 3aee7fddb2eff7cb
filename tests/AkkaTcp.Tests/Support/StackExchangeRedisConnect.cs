using System.Net;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Support;

/// <summary>A StackExchange.Redis multiplexer on a resp server, its connect log in the test's output.</summary>
public static class StackExchangeRedisConnect
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(IPEndPoint server, TimeSpan timeout, ITestOutputHelper? output)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { server },
            AbortOnConnectFail = true,
            AllowAdmin = true, // INFO, CLIENT LIST, SCAN through IServer
            ConnectTimeout = (int)timeout.TotalMilliseconds,
            SyncTimeout = (int)timeout.TotalMilliseconds,
        };
        var log = new StringWriter();
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options, log);
        }
        finally
        {
            output?.WriteLine(log.ToString());
        }
    }
}

using System.Net;
using System.Net.Sockets;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// Clients that connect in the first instant after the port opens. Akka.IO 1.5.74's listener
/// starts accepting before it handles its own bind result and drops an accept that completes in
/// between: that socket was accepted but never served, and its client waited forever.
/// </summary>
public sealed class EarlyClientTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_client_that_connects_while_the_server_is_binding_is_served()
    {
        for (var start = 0; start < 30; start++)
        {
            var port = ReusablePort.Next(); // knocking on an ephemeral port could connect a client to itself
            using var binding = new CancellationTokenSource();
            // Knocks until the port opens, then talks once: the first client a server ever sees.
            var early = Task.Run(async () =>
            {
                while (true)
                {
                    binding.Token.ThrowIfCancellationRequested();
                    try
                    {
                        await using var client = await RawLineClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Within());
                        await client.SendAsync("first\n", Within());
                        return await client.ReadLineAsync(Within(10));
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        await Task.Yield();
                    }
                }
            });
            // A name of its own per start: Stopped completes when the supervisor is dead, a moment
            // before the user guardian frees its name, and name reuse is not what this test is about.
            var name = $"early{start}";
            var server = await AkkaTcpServer.StartAsync(Sys, LoadSettings($"akka-tcp.servers.{name}.port = {port}").Servers.Single(s => s.Name == name));
            Assert.Equal("first", await early.WaitAsync(Within(20)));
            await server.UnbindAsync();
            Sys.Stop(server.Supervisor);
            await server.Stopped.WaitAsync(Within());
        }
    }

}

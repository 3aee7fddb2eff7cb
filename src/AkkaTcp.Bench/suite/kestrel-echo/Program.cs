using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

// A newline echo server on Kestrel's connection layer (a ConnectionHandler over
// System.IO.Pipelines), with Kestrel's defaults: what a .NET team would write instead of AkkaTcp.
//   kestrel-echo --port 7100
var port = args is ["--port", var p] ? int.Parse(p) : 7100;
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.Logging.ClearProviders();
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseConnectionHandler<LineEcho>()));
await builder.Build().RunAsync();

/// <summary>Writes back every complete line it reads, flushing once per read.</summary>
internal sealed class LineEcho : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var lastNewline = LastNewline(buffer);
            if (lastNewline is { } end)
            {
                foreach (var segment in buffer.Slice(0, end))
                    output.Write(segment.Span);
                input.AdvanceTo(end, buffer.End);
                if ((await output.FlushAsync()).IsCompleted)
                    break;
            }
            else
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (result.IsCompleted)
                break;
        }
    }

    /// <summary>The position just after the last '\n' in the buffer, if any.</summary>
    private static SequencePosition? LastNewline(ReadOnlySequence<byte> buffer)
    {
        SequencePosition? found = null;
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
            found = reader.Position;
        return found;
    }
}

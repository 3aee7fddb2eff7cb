using AkkaTcp;
using AkkaTcp.Host.CommandLine;

InlineSocketCompletions.EnableUnlessSet();
return await HostCommands.InvokeAsync(args);

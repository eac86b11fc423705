using System.CommandLine;
using WxHub.Cli;

var root = new RootCommand("WxHub: the central control server for WeChat credentials, callbacks and logins.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(EmulatorCommand.Create());
root.Subcommands.Add(AdminCommands.App());
root.Subcommands.Add(AdminCommands.Key());
root.Subcommands.Add(AdminCommands.Status());
root.Subcommands.Add(ComponentCommands.Create());
root.Subcommands.Add(UserCommands.Create());
root.Subcommands.Add(DashboardCommands.Create());
return await root.Parse(args).InvokeAsync();

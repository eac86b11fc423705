using System.CommandLine;

namespace WxHub.Cli;

internal static class EmulatorCommand
{
    public static Command Create()
    {
        var command = new Command("emulator", "Run the local WeChat emulator (WeChat's API servers, pages and pushes on loopback).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("wxhub emulator: not available in this build yet.");
            return 2;
        });
        return command;
    }
}

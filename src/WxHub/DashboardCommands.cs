using System.CommandLine;
using System.Text;
using WxHub.Server.Dashboard;

namespace WxHub.Cli;

/// <summary><c>wxhub dashboard hash-password</c>: the value of <c>Dashboard:OperatorPasswordHash</c> for a password read from standard input.</summary>
internal static class DashboardCommands
{
    private const int InvalidInput = 2;
    private const int MinimumLength = 12;

    public static Command Create()
    {
        var hash = new Command("hash-password",
            "Read the operator password from standard input (not echoed on a terminal) and print its PBKDF2 hash for Dashboard:OperatorPasswordHash (WXHUB_DASHBOARD__OPERATORPASSWORDHASH).");
        hash.SetAction(async (_, cancellation) =>
        {
            var password = Console.IsInputRedirected ? await Console.In.ReadLineAsync(cancellation) : ReadHidden();
            if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
            {
                await Console.Error.WriteLineAsync($"wxhub: the password must have at least {MinimumLength} characters; none was read from standard input, or it is shorter.");
                return InvalidInput;
            }
            Console.WriteLine(OperatorPassword.Hash(password));
            return 0;
        });
        return new Command("dashboard", "The operator's web dashboard.") { hash };
    }

    private static string ReadHidden()
    {
        Console.Error.Write("Operator password: ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}

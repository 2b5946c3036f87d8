using System.Diagnostics;
using System.Net;
using System.Text;
using Ciyuan.Testing.Clients;
using Ciyuan.Testing.Servers;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Runs an installed or published <c>ciyuan</c> (not the one built next to the tests).</summary>
internal static class ProgramRun
{
    private static readonly string[] CiyuanVariables = ["CIYUAN_MASTER_KEY", "CIYUAN_CONFIG", "CIYUAN_DATA_DIR"];

    /// <summary>Runs to the end with <paramref name="input"/> on standard input.</summary>
    public static async Task<CliRun> RunAsync(string program, string workingDirectory, string input, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(program, workingDirectory, arguments)) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts <c>serve</c> on a free loopback port and waits until <c>/readyz</c> answers 200; the
    /// caller stops the process. Fails with what the process printed if it exits or never gets ready.
    /// </summary>
    public static async Task<(Process Process, Uri BaseUrl)> ServeAsync(string program, string workingDirectory)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Next()}/");
        var process = Process.Start(StartInfo(program, workingDirectory, ["serve", "--urls", baseUrl.ToString().TrimEnd('/')]))
            ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 600 && !process.HasExited; attempt++)
        {
            try
            {
                if ((await http.GetAsync("readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return (process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        var exited = process.HasExited;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        string printed;
        lock (output)
        {
            printed = output.ToString();
        }

        process.Dispose();
        throw new InvalidOperationException($"{program} serve {(exited ? "exited" : "was not ready within 60 s")}:\n{printed}");
    }

    private static ProcessStartInfo StartInfo(string program, string workingDirectory, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in CiyuanVariables)
        {
            info.Environment.Remove(name);
        }

        return info;
    }
}

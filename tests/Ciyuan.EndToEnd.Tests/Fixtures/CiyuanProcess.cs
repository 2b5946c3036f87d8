using System.Diagnostics;
using Ciyuan.Testing.Servers;

namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>Runs the real <c>ciyuan</c> executable (built next to the tests) as a child process.</summary>
internal static class CiyuanProcess
{
    private static string Executable => Path.Combine(AppContext.BaseDirectory, "ciyuan.dll");

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("CIYUAN_MASTER_KEY");
        info.Environment.Remove("CIYUAN_CONFIG");
        info.Environment.Remove("CIYUAN_DATA_DIR");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start ciyuan");
    }

    private static void Tell(Action<string>? output, string? line)
    {
        if (output is not null && line is not null)
        {
            output(line);
        }
    }

    /// <summary>A loopback port for a server this test starts (see <see cref="LoopbackPorts"/>).</summary>
    public static int FreePort() => LoopbackPorts.Next();

    /// <summary>Starts <c>ciyuan serve</c> and waits until <c>/readyz</c> answers 200.</summary>
    /// <param name="output">Told every line the server prints (stdout and stderr), when given.</param>
    public static async Task<(Process Process, Uri BaseUrl)> StartServeAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, Action<string>? output = null)
    {
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var process = Start(workingDirectory, environment, "serve", "--urls", baseUrl.ToString().TrimEnd('/'));
        process.OutputDataReceived += (_, e) => Tell(output, e.Data);
        process.ErrorDataReceived += (_, e) => Tell(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"ciyuan serve exited with code {process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
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

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("ciyuan serve did not become ready in 30 s");
    }
}

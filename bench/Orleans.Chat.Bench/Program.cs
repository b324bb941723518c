using Microsoft.Extensions.Configuration;
using OrleansChat.Bench;
using OrleansChat.Bench.Coordination;
using OrleansChat.Bench.Load;
using OrleansChat.Bench.Reporting;

// compare OURS.json BASELINE.json OUT.md — side-by-side table of two runs.
if (args is ["compare", var oursPath, var baselinePath, var outPath])
{
    var table = Comparison.Markdown(ResultWriter.Read(oursPath), ResultWriter.Read(baselinePath));
    File.AppendAllText(outPath, table);
    Console.WriteLine(table);
    return 0;
}

var options = new ConfigurationBuilder().AddCommandLine(args).Build().Get<BenchOptions>() ?? new BenchOptions();
options.Validate();
if (options.WorkerIndex >= 0)
{
    return await new Worker(options).RunAsync();
}

var result = await new Coordinator(options, args).RunAsync();
ResultWriter.Write(result, options.Out);
return 0;

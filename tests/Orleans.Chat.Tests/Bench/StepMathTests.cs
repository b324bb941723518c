using OrleansChat.Bench.Coordination;

namespace OrleansChat.Tests.Bench;

public sealed class StepMathTests
{
    [Fact]
    public void Memory_per_connection_is_the_rss_growth_divided_by_the_connections_held()
    {
        // 100 MB before, 140 MB after 1 024 connections: 40 KB each.
        Assert.Equal(40 * 1024, StepMath.BytesPerConnection(100L * 1024 * 1024, 140, 1024));
    }

    [Fact]
    public void A_process_that_shrank_while_clients_connected_reports_no_memory_per_connection()
    {
        Assert.Null(StepMath.BytesPerConnection(200L * 1024 * 1024, 150, 5000));
        Assert.Null(StepMath.BytesPerConnection(100L * 1024 * 1024, 140, 0));
    }
}

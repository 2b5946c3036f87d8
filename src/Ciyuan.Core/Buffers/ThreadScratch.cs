namespace Ciyuan.Core.Buffers;

/// <summary>
/// One reusable object of each type per thread, for work done synchronously on every request
/// (encoding a body, a frame, a journal line) whose buffers would otherwise be garbage each time.
/// Taken and given back around the work: while it is taken the thread has none, so a nested use
/// gets a new object, and one whose work threw is simply not given back.
/// </summary>
public static class ThreadScratch
{
    /// <summary>This thread's object of type <typeparamref name="T"/>, if it has one and no caller up the stack holds it.</summary>
    public static T? TryTake<T>()
        where T : class
    {
        var item = Slot<T>.Item;
        Slot<T>.Item = null;
        return item;
    }

    public static void GiveBack<T>(T item)
        where T : class => Slot<T>.Item = item;

    private static class Slot<T>
        where T : class
    {
        [ThreadStatic]
        internal static T? Item;
    }
}

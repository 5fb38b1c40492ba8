/// Runs blocking libcurl work on a thread of its own, so `async` callers never block Swift's cooperative pool.
enum BlockingWork {
    private final class Job: @unchecked Sendable {
        // Touched only by the worker thread, then handed to the continuation once.
        let work: @Sendable () -> Void
        init(work: @escaping @Sendable () -> Void) { self.work = work }
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(OrchestratorError) -> T) async throws(OrchestratorError) -> T {
        let result: Result<T, OrchestratorError> = await withCheckedContinuation { continuation in
            let job = Job {
                do throws(OrchestratorError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            var thread = pthread_t()
            let context = Unmanaged.passRetained(job).toOpaque()
            let started = pthread_create(&thread, nil, { context in
                let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
                job.work()
                return nil
            }, context)
            if started == 0 {
                pthread_detach(thread)
            } else {
                // No thread could be made: do the work here rather than fail.
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().work()
            }
        }
        return try result.get()
    }
}

import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

private let me = "i-0123456789abcdef0"

@Suite struct JoinFleetTests {
    @Test func registersWaitsHealthyThenJoinsDNS() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time, healthyAfter: .seconds(5))
        var settings = DomainHarness.join()
        settings.loadBalancer = .classic(name: "web")
        let outcome = try await JoinFleet(context: harness.fleet(balancer)).run(settings)
        #expect(balancer.events == ["register \(me)"])
        #expect(outcome.healthyAfter == .seconds(6))  // polled every 2 s: healthy at the first poll after 5 s
        #expect(harness.addressRecords().count == 1)
        // DNS joined only after the load balancer reported the instance healthy.
        #expect(
            harness.logs.messages.firstIndex { $0.contains("reports \(me) healthy") } ?? 99
                < harness.logs.messages.firstIndex { $0.contains("registered app.example.com.") } ?? 0)
    }

    @Test func neverHealthyIsTemporaryAndStaysRegistered() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time)
        var settings = DomainHarness.join()
        settings.record = nil
        settings.loadBalancer = .classic(name: "web")
        settings.healthyTimeout = .seconds(20)
        let context = harness.fleet(balancer)
        balancer.add(me, forced: .unhealthy)
        do {
            _ = try await JoinFleet(context: context).run(settings)
            Issue.record("expected a timeout")
        } catch let error as DomainError {
            #expect(error.code == .notHealthy)
            #expect(error.message.contains("stays registered"))
        }
        #expect(try await balancer.member(instanceId: me) != nil)
        // It looked one last time at the timeout itself, not one poll before it.
        #expect(harness.time.monotonicNow - .seconds(1000) == .seconds(20))
    }

    @Test func theHoldFileKeepsTheInstanceOutAndSaysWhy() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time)
        let hold = "/tmp/r53hook-test-hold-\(UInt32.random(in: 0...UInt32.max))"
        try writeFile(hold, "kernel upgrade, ask ops\n")
        defer { removeFile(hold) }
        var settings = DomainHarness.join()
        settings.loadBalancer = .classic(name: "web")
        settings.holdFile = hold
        let outcome = try await JoinFleet(context: harness.fleet(balancer)).run(settings)
        #expect(outcome.heldBecause == "\(hold) exists: kernel upgrade, ask ops")
        #expect(balancer.events.isEmpty)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }
}

@Suite struct LeaveFleetTests {
    private func settings(_ rule: QuorumRule?, onNoQuorum: NoQuorumAction = .proceed) -> LeaveSettings {
        LeaveSettings(
            target: FleetTarget(loadBalancer: .classic(name: "web")),
            quorum: rule.map { QuorumSettings(rule: $0, interval: .seconds(5), timeout: .seconds(30), onNoQuorum: onNoQuorum) })
    }

    private func fleetOfThree(_ harness: DomainHarness) -> FakeLoadBalancer {
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(6))
        for id in [me, "i-b", "i-c"] { balancer.add(id) }
        return balancer
    }

    @Test func leavesWhenTheQuorumHoldsAndWaitsForTheDrain() async throws {
        let harness = try DomainHarness()
        let balancer = fleetOfThree(harness)
        let outcome = try await LeaveFleet(context: harness.fleet(balancer)).run(settings(QuorumRule(minimumHealthy: 2)), strictQuorum: false)
        #expect(balancer.events == ["deregister \(me)"])
        #expect(outcome.loadBalancerDrained == .seconds(6))
        #expect(!outcome.leftWithoutQuorum)
    }

    @Test func waitsForAMemberToRecoverBeforeLeaving() async throws {
        let harness = try DomainHarness()
        let balancer = fleetOfThree(harness)
        balancer.force("i-b", .unhealthy)
        let time = harness.time
        let recovery = Task {
            // Recover once the virtual clock passed 12 s of quorum waiting.
            while time.monotonicNow < .seconds(1012) { await Task.yield() }
            balancer.force("i-b", nil)
        }
        defer { recovery.cancel() }
        _ = try await LeaveFleet(context: harness.fleet(balancer)).run(settings(QuorumRule(minimumHealthy: 2)), strictQuorum: false)
        #expect(balancer.events == ["deregister \(me)"])
        #expect(harness.logs.messages.contains { $0.contains("no quorum yet") && $0.contains("2 of 3 members healthy; 1 would remain") })
    }

    @Test func withoutQuorumFailModeChangesNothing() async throws {
        let harness = try DomainHarness()
        let balancer = fleetOfThree(harness)
        balancer.force("i-b", .unhealthy)
        do {
            _ = try await LeaveFleet(context: harness.fleet(balancer)).run(
                settings(QuorumRule(minimumHealthy: 2), onNoQuorum: .fail),
                strictQuorum: false)
            Issue.record("expected no quorum")
        } catch let error as DomainError {
            #expect(error.code == .quorumNotReached)
            #expect(error.message.contains("nothing was changed"))
        }
        #expect(balancer.events.isEmpty)
        #expect(harness.time.monotonicNow - .seconds(1000) == .seconds(30))
    }

    @Test func withoutQuorumProceedModeLeavesLoudly() async throws {
        let harness = try DomainHarness()
        let balancer = fleetOfThree(harness)
        balancer.force("i-b", .unhealthy)
        let outcome = try await LeaveFleet(context: harness.fleet(balancer)).run(settings(QuorumRule(minimumHealthy: 2)), strictQuorum: false)
        #expect(outcome.leftWithoutQuorum)
        #expect(balancer.events == ["deregister \(me)"])
        #expect(harness.logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("LEAVING WITHOUT QUORUM") })
    }

    @Test func dnsAndLoadBalancerDrainAtTheSameTime() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7", ttl: 20))
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(10))
        balancer.add(me)
        var settings = DomainHarness.leave()
        settings.loadBalancer = .classic(name: "web")
        settings.drainExtra = .seconds(5)
        let outcome = try await LeaveFleet(context: harness.fleet(balancer)).run(settings, strictQuorum: false)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
        #expect(try await balancer.member(instanceId: me) == nil)
        // How long the load balancer's own drain took is not asserted: both drains sleep on one
        // instant fake clock, so whichever sleeps first moves the other's time on (the DNS
        // drain's 25 s can end the load balancer's 10 s before it looks). It was waited for.
        #expect(outcome.loadBalancerDrained != nil)
        guard case .deleted(_, _, let drained)? = outcome.record else {
            Issue.record("expected a DNS deletion")
            return
        }
        #expect(drained == .seconds(25))
        // The load balancer was told before the DNS drain ended: the two ran side by side.
        let messages = harness.logs.messages
        #expect(
            messages.firstIndex { $0.contains("deregistered \(me) from fake load balancer") } ?? 99
                < messages.firstIndex { $0.contains("drain complete") } ?? 0)
    }
}

@Suite struct QuorumLockTests {
    @Test func concurrentLeaversTakeTurnsUnderTheLock() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(300))
        for id in ["i-a", "i-b", "i-c"] { balancer.add(id) }
        let settings = LeaveSettings(
            target: FleetTarget(loadBalancer: .classic(name: "web")),
            quorum: QuorumSettings(
                rule: QuorumRule(minimumHealthy: 2), timeout: .seconds(10), onNoQuorum: .fail,
                lockZone: .name("example.com.", isPrivate: nil)))
        let first = LeaveFleet(context: harness.fleet(balancer, instanceId: "i-a"))
        let second = LeaveFleet(context: harness.fleet(balancer, instanceId: "i-b"))
        let shared = settings
        async let a = Result { try await first.run(shared, strictQuorum: false) }
        async let b = Result { try await second.run(shared, strictQuorum: false) }
        let results = await [a, b]
        // Only one may leave: after it, 2 healthy remain, and a second leaver would leave 1.
        #expect(balancer.events.count == 1)
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        #expect(harness.logs.messages.contains { $0.contains("acquired lock quorum-elb-web._r53hook-lock.example.com.") })
        #expect(harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }.isEmpty)
    }

    @Test func lockNamesFollowTheRecordOrLoadBalancer() {
        var settings = DomainHarness.target()
        #expect(LeaveFleet.quorumLockName(settings) == "quorum-dns-app-example-com-a")
        settings.loadBalancer = .targetGroup(arn: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/abc", port: nil)
        #expect(LeaveFleet.quorumLockName(settings) == "quorum-tg-web-tg")
    }
}

@Suite struct CycleInstanceTests {
    private func settings() -> CycleSettings {
        var join = DomainHarness.join()
        join.loadBalancer = .classic(name: "web")
        let leave = LeaveSettings(target: join.target, quorum: QuorumSettings(rule: QuorumRule(minimumHealthy: 1), timeout: .seconds(10)))
        return CycleSettings(leave: leave, join: join)
    }

    @Test func leavesRunsTheCommandThenRejoins() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7", ttl: 10))
        harness.fake.insert(DomainHarness.record("i-b", "203.0.113.8", ttl: 10), in: "ZPUBLIC")
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(3))
        for id in [me, "i-b"] { balancer.add(id) }
        let fake = harness.fake
        let runner = RecordingRunner {
            // While the command runs, this instance is out of DNS and drained from the ELB.
            #expect(fake.records(in: "ZPUBLIC").filter { $0.type == "A" }.map(\.setIdentifier) == ["i-b"])
            #expect(!fake.records(in: "ZPUBLIC").contains { $0.setIdentifier == "i-0123456789abcdef0" })
        }
        let status = try await CycleInstance(context: harness.fleet(balancer), runner: runner)
            .run(settings(), command: ["systemctl", "restart", "app"])
        #expect(status == 0)
        #expect(runner.commands == [["systemctl", "restart", "app"]])
        #expect(balancer.events == ["deregister \(me)", "register \(me)"])
        #expect(try await balancer.member(instanceId: me)?.isHealthy == true)
        #expect(harness.addressRecords().count == 2)
        #expect(harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }.map(\.setIdentifier) == [me])
    }

    @Test func aFailedCommandStaysOutUnlessAskedToRejoin() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(DomainHarness.record("i-b", "203.0.113.8", ttl: 10), in: "ZPUBLIC")
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(1))
        for id in [me, "i-b"] { balancer.add(id) }
        let status = try await CycleInstance(context: harness.fleet(balancer), runner: RecordingRunner(status: 3))
            .run(settings(), command: ["false"])
        #expect(status == 3)
        #expect(balancer.events == ["deregister \(me)"])
        #expect(harness.logs.messages.contains { $0.contains("staying out of the fleet") })

        var rejoin = settings()
        rejoin.rejoinsOnFailure = true
        let again = try await CycleInstance(context: harness.fleet(balancer), runner: RecordingRunner(status: 3))
            .run(rejoin, command: ["false"])
        #expect(again == 3)
        #expect(balancer.events.last == "register \(me)")
    }

    @Test func withoutQuorumTheCommandNeverRunsAndNothingChanges() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time)
        balancer.add(me)
        let runner = RecordingRunner()
        await #expect(throws: DomainError.self) {
            try await CycleInstance(context: harness.fleet(balancer), runner: runner).run(settings(), command: ["true"])
        }
        #expect(runner.commands.isEmpty)
        #expect(balancer.events.isEmpty)
    }
}

/// One serialized suite: signal forwarding targets one child per process, as in production.
@Suite(.serialized) struct ProcessCommandRunnerTests {
    private let runner = ProcessCommandRunner(logger: LogCapture().logger())

    @Test func passesTheExitCodeThrough() async throws {
        #expect(try await runner.run(["sh", "-c", "exit 3"]) == 3)
        #expect(try await runner.run(["true"]) == 0)
    }

    @Test func reportsSignalsAndMissingProgramsLikeAShell() async throws {
        #expect(try await runner.run(["sh", "-c", "kill -TERM $$"]) == 143)
        #expect(try await runner.run(["/nonexistent/program"]) == 127)
    }

    @Test func forwardsSIGTERMToTheCommandAndSurvivesIt() async throws {
        let task = Task { try await runner.run(["sleep", "5"]) }
        try await Task.sleep(for: .milliseconds(300))
        kill(getpid(), SIGTERM)
        let status = try await task.value
        #expect(status == 128 + SIGTERM)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

func writeFile(_ path: String, _ text: String) throws {
    guard let file = fopen(path, "w") else { throw DomainError(.internalInconsistency, "cannot write \(path)") }
    fputs(text, file)
    fclose(file)
}

func removeFile(_ path: String) {
    unlink(path)
}

extension ProcessCommandRunnerTests {
    @Test func cancellingTerminatesTheCommandWithSIGTERM() async throws {
        let runner = ProcessCommandRunner(logger: LogCapture().logger(), killGrace: .seconds(5))
        let started = ContinuousClock.now
        let task = Task { try await runner.run(["sleep", "30"]) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        #expect(try await task.value == 128 + SIGTERM)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func aCommandThatIgnoresSIGTERMGetsSIGKILLAfterTheGrace() async throws {
        let runner = ProcessCommandRunner(logger: LogCapture().logger(), killGrace: .milliseconds(500))
        let started = ContinuousClock.now
        let task = Task { try await runner.run(["sh", "-c", "trap '' TERM; sleep 30"]) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        #expect(try await task.value == 128 + SIGKILL)
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}

package sessions

import "time"

// script lays out the session from start to end (TEARDOWN at end): TCP
// handshake, five request/reply exchanges 1 ms apart, then per stream the
// server's RTP and RTCP sender reports, the client's NAT punch to the
// server's RTP port and its RTCP receiver reports, and the closing
// exchange with FIN handshake.
func (r *rtspSession) script(sc *script, start, end time.Duration, small bool) {
	us := time.Microsecond
	sc.once(start, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagSYN, nil) })
	sc.once(start+100*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, false, flagSYN|flagACK, nil) })
	sc.once(start+200*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagACK, nil) })
	t := start + time.Millisecond
	for k := 0; k < 5; k++ {
		req, rep := r.exchange(k)
		sc.once(t, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagPSH|flagACK, []byte(req)) })
		sc.once(t+500*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, false, flagPSH|flagACK, []byte(rep)) })
		t += time.Millisecond
	}
	play := t
	for i := 0; i < 2; i++ {
		c, s := r.media(i, false)
		cr, sr := r.media(i, true)
		ssrc, video := r.ssrc[i], i == 0
		sc.once(play, func(b *builder, _ int) ([]byte, error) {
			return b.udpFrame(c, s, true, b.rtp(ptPCMU, false, 0, 0, 0, minPayload(c.Addr().Is6())))
		})
		gap, size := every(voiceGap), func(int) int { return rtpHeader + g711Payload }
		pt := byte(ptPCMU)
		if video {
			gap, pt = videoGap, ptH264
			size = func(n int) int {
				return rtpHeader + videoPayload
			}
		}
		if small {
			size = func(int) int { return minPayload(c.Addr().Is6()) }
		}
		sc.periodic(play+time.Millisecond, end, gap, func(b *builder, n int) ([]byte, error) {
			marker, ts := false, uint32(n)*160
			if video {
				f, k := videoPacket(n)
				marker, ts = k == videoPackets(f)-1, uint32(f)*(90000/videoFPS)
			}
			return b.udpFrame(s, c, false, b.rtp(pt, marker, uint16(n+1), ts, ssrc, size(n)))
		})
		sc.periodic(play+rtcpFirst, end, every(rtcpGap), func(b *builder, n int) ([]byte, error) {
			return b.udpFrame(sr, cr, false, b.rtcp(true, small, ssrc, 0, time.Duration(n)*rtcpGap, uint32(n)*250))
		})
		sc.periodic(play+rtcpFirst+time.Millisecond, end, every(rtcpGap), func(b *builder, n int) ([]byte, error) {
			return b.udpFrame(cr, sr, true, b.rtcp(false, small, ssrc^0x5a5a, ssrc, time.Duration(n)*rtcpGap, uint32(n)*250))
		})
	}
	req, rep := r.exchange(5)
	sc.once(end, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagPSH|flagACK, []byte(req)) })
	sc.once(end+500*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, false, flagPSH|flagACK, []byte(rep)) })
	sc.once(end+time.Millisecond, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagFIN|flagACK, nil) })
	sc.once(end+time.Millisecond+100*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, false, flagFIN|flagACK, nil) })
	sc.once(end+time.Millisecond+200*us, func(b *builder, _ int) ([]byte, error) { return r.segment(b, true, flagACK, nil) })
}

// truth lists the session's flows as `sara inspect --json` reports them.
func (r *rtspSession) truth() TruthSession {
	t := TruthSession{Kind: "rtsp", ID: r.session, Flows: []TruthFlow{
		tcpFlow(r.client, r.vip, RoleSignalling), tcpFlow(r.vip, r.client, RoleSignalling)}}
	for i := 0; i < 2; i++ {
		for _, rtcp := range []bool{false, true} {
			c, s := r.media(i, rtcp)
			t.Flows = append(t.Flows, udpFlow(c, s, RoleMedia), udpFlow(s, c, RoleMedia))
		}
	}
	return t
}

// Co-simulation of spikelm_board_top: the host's bytes arrive on stdin and leave on stdout, as
// if a USB-serial bridge sat on the board's UART pins. The harness drives uart_rx as an 8N1
// line at CLKS_PER_BIT cycles per bit and decodes uart_tx the same way.
//   board_sim CLKS_PER_BIT MAX_CYCLES
// It ends at end of input, or after MAX_CYCLES (0 = no limit). The driver on the other side is
// the real host code (src/board/link.rs, driver.rs).
#include "Vspikelm_board_top.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: board_sim CLKS_PER_BIT MAX_CYCLES\n");
        return 2;
    }
    const uint32_t cpb = (uint32_t)strtoul(argv[1], nullptr, 10);
    const uint64_t max_cycles = strtoull(argv[2], nullptr, 10);
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    Vspikelm_board_top* top = new Vspikelm_board_top;
    top->clk_in = 0;
    top->btn_reset = 0;
    top->uart_rx = 1;
    top->eval();

    std::deque<uint8_t> inq;
    bool eof = false;
    // host -> board line
    int tx_bit = -1;          // -1 idle, 0 start, 1..8 data, 9 stop
    uint32_t tx_cnt = 0;
    uint8_t tx_byte = 0;
    // board -> host line
    int rx_bit = -1;
    uint32_t rx_cnt = 0;
    uint8_t rx_byte = 0;
    uint64_t quiet = 0;       // cycles with both lines idle and nothing to send

    for (uint64_t cycle = 0; max_cycles == 0 || cycle < max_cycles; ++cycle) {
        if (!eof && (inq.empty() || (cycle & 1023) == 0)) {
            // Sleep on stdin only when the link has been idle for a while: the board only
            // works in answer to a request, so nothing is lost.
            int wait_ms = (inq.empty() && quiet > 200000) ? 20 : 0;
            struct pollfd p = {0, POLLIN, 0};
            if (poll(&p, 1, wait_ms) > 0) {
                uint8_t buf[4096];
                ssize_t n = read(0, buf, sizeof buf);
                if (n == 0) eof = true;
                for (ssize_t i = 0; i < n; ++i) inq.push_back(buf[i]);
            }
        }
        if (eof && inq.empty() && tx_bit < 0 && rx_bit < 0 && quiet > 1000000) break;

        // Drive uart_rx.
        if (tx_bit < 0 && !inq.empty() && cycle >= 64) {  // the board is out of reset
            tx_byte = inq.front();
            inq.pop_front();
            tx_bit = 0;
            tx_cnt = 0;
        }
        if (tx_bit == 0) top->uart_rx = 0;
        else if (tx_bit >= 1 && tx_bit <= 8) top->uart_rx = (tx_byte >> (tx_bit - 1)) & 1;
        else top->uart_rx = 1;
        if (tx_bit >= 0 && ++tx_cnt == cpb) {
            tx_cnt = 0;
            if (++tx_bit == 10) tx_bit = -1;
        }

        top->clk_in = 1;
        top->eval();
        top->clk_in = 0;
        top->eval();

        // Decode uart_tx at the middle of each bit.
        if (rx_bit < 0) {
            if (!top->uart_tx) {
                rx_bit = 0;
                rx_cnt = cpb / 2;
            }
        } else if (--rx_cnt == 0) {
            rx_cnt = cpb;
            if (rx_bit == 0) {
                rx_bit = top->uart_tx ? -1 : 1;
                rx_byte = 0;
            } else if (rx_bit <= 8) {
                rx_byte |= (uint8_t)((top->uart_tx & 1) << (rx_bit - 1));
                ++rx_bit;
            } else {
                if (top->uart_tx) {
                    if (write(1, &rx_byte, 1) != 1) return 0;  // the host went away
                }
                rx_bit = -1;
            }
        }
        quiet = (inq.empty() && tx_bit < 0 && rx_bit < 0 && top->uart_tx) ? quiet + 1 : 0;
    }
    top->final();
    delete top;
    return 0;
}

# Demo step 30: the partition table, OTA data and firmware images (fwprov partitions, otadata, image).
[ "${FWPROV_DEMO_TOUR:-0}" = 1 ] || return 0  # the stage-by-stage tour (README.md); tools/demo.sh shows provision
cp "$ROOT/partitions/aws-ota-workshop.csv" partitions.csv
step "build the partition-table binary (byte-identical to ESP-IDF's gen_esp32part.py)" \
  "$FWPROV" partitions generate partitions.csv partition-table.bin --flash-size 4MB
step "print the table: offsets, sizes, gaps, free flash" "$FWPROV" partitions show partition-table.bin --flash-size 4MB
step "where does the NVS storage partition start? (no more hand-computed addresses)" \
  "$FWPROV" partitions offset storage --table partitions.csv
step "blank OTA data (what idf.py flash writes): first boot starts ota_0" "$FWPROV" otadata init -o ota_data_initial.bin
step "which app would boot" "$FWPROV" otadata show ota_data_initial.bin --table partitions.csv
cp "$ROOT/tests/golden/image/bootloader_no_digest/image.bin" bootloader.bin
cp "$ROOT/tests/golden/image/app_esp32/image.bin" firmware.bin
step "inspect the bootloader like esptool image-info" "$FWPROV" image info bootloader.bin
step "inspect the application" "$FWPROV" image info firmware.bin
step "the bootloader bytes write-flash sends for DIO / 40 MHz / 4 MB" \
  "$FWPROV" image patch bootloader.bin -o bootloader-dio-40m-4mb.bin --flash-mode dio --flash-freq 40m --flash-size 4MB
